/* The error summary (templates/includes/error_summary.html): on load, move the focus to it
   so a screen reader reads the problems and the page shows them first; following one of
   its links focuses the field and shows the field's label above it. Without JavaScript
   the summary is still first in the main content and its links still jump to the field.

   A result a page lands on after a submit (the address ends with #its-id and it is marked
   data-announce, like a knowledge check's result or its "choose an answer") takes the
   focus the same way, so it is read out. */
(function () {
    "use strict";

    function fieldFor(target) {
        if (target.matches("input, select, textarea, button")) {
            return target;
        }
        return target.querySelector("input, select, textarea, button") || target;
    }

    function labelFor(field) {
        var group = field.closest("fieldset");
        if (group && (field.type === "radio" || field.type === "checkbox")) {
            return group.querySelector("legend") || group;
        }
        var label = field.id ? document.querySelector('label[for="' + field.id + '"]') : null;
        return label || field;
    }

    function start() {
        var summary = document.querySelector("[data-error-summary]");
        if (!summary) {
            var landed = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
            if (landed && landed.hasAttribute("data-announce")) {
                landed.focus();
            }
            return;
        }
        summary.focus();
        summary.addEventListener("click", function (event) {
            var link = event.target.closest("a[href^='#']");
            if (!link) {
                return;
            }
            var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
            if (!target) {
                return;
            }
            event.preventDefault();
            var field = fieldFor(target);
            if (!field.matches("input, select, textarea, button") && !field.hasAttribute("tabindex")) {
                field.setAttribute("tabindex", "-1");
            }
            labelFor(field).scrollIntoView();
            field.focus({ preventScroll: true });
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
