// Spoke: say at once that a chosen file is too large, before anything is sent. A file
// input with data-max-bytes gets its choice undone when the file is larger, and the
// message in data-too-large shown under it; the rest of the form (what the person typed)
// stays as it is and can be saved. Without JavaScript the server says the same.
(function () {
    "use strict";
    var inputs = document.querySelectorAll("input[type=file][data-max-bytes]");
    Array.prototype.forEach.call(inputs, function (input) {
        var max = parseInt(input.getAttribute("data-max-bytes"), 10);
        var note = document.createElement("p");
        note.className = "errorlist";
        note.setAttribute("role", "alert");
        note.hidden = true;
        input.insertAdjacentElement("afterend", note);
        input.addEventListener("change", function () {
            var file = input.files && input.files[0];
            if (file && max && file.size > max) {
                note.textContent = input.getAttribute("data-too-large");
                note.hidden = false;
                input.value = "";
            } else {
                note.hidden = true;
            }
        });
    });
})();
