// Spoke: follow a report export being built. Without JavaScript the page offers a
// "Check again" link; with it, the status is asked for every few seconds and the page
// is reloaded once, when the file is ready or the build has failed.
(function () {
    "use strict";
    var box = document.querySelector("[data-export-status]");
    if (!box) {
        return;
    }
    var url = box.getAttribute("data-export-status");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-export-progress]");
    function check() {
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) {
                if (!data) {
                    return;
                }
                if (data.status === "done" || data.status === "failed") {
                    window.location.reload();
                    return;
                }
                if (bar) {
                    bar.value = data.progress;
                }
                if (text) {
                    text.textContent = data.progress + "%";
                }
                window.setTimeout(check, 2000);
            })
            .catch(function () { window.setTimeout(check, 5000); });
    }
    window.setTimeout(check, 2000);
})();
