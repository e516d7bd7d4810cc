// Spoke: follow the answers to a Plan B call-out. Without JavaScript the page has a
// "Refresh" link; with it, the answers part is fetched again every few seconds (a small
// piece of HTML rendered by the server) and put in place. It stops once the page is
// hidden for long or the call-out is gone.
(function () {
    "use strict";
    var box = document.querySelector("[data-planb-live]");
    if (!box) {
        return;
    }
    var url = box.getAttribute("data-planb-live");
    var every = 1000 * (parseInt(box.getAttribute("data-planb-every"), 10) || 10);
    function check() {
        if (document.hidden) {
            window.setTimeout(check, every);
            return;
        }
        fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
            .then(function (response) {
                if (response.status === 404 || response.status === 403) {
                    return null;
                }
                return response.ok ? response.text() : "";
            })
            .then(function (html) {
                if (html === null) {
                    return; // gone, or no longer allowed: stop asking
                }
                if (html) {
                    var parsed = new DOMParser().parseFromString(html, "text/html");
                    box.replaceChildren.apply(box, Array.prototype.slice.call(parsed.body.childNodes));
                }
                window.setTimeout(check, every);
            })
            .catch(function () { window.setTimeout(check, every * 3); });
    }
    window.setTimeout(check, every);
})();
