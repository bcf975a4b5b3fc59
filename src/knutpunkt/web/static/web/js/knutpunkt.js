/* Knutpunkt staff pages: small progressive enhancements. Every page works without
   this file; it only moves focus to errors and hides fields that do not apply. */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  // A link in the error summary moves focus to the field and shows its label too.
  function wireErrorLinks() {
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var input = document.getElementById(link.getAttribute("href").slice(1));
        if (!input) { return; }
        event.preventDefault();
        var details = input.closest("details");
        if (details) { details.open = true; }
        var anchor = input.closest("fieldset") || input.closest(".field") || input;
        anchor.scrollIntoView();
        input.focus({ preventScroll: true });
      });
    });
  }

  // Links to a closed <details> open it.
  function wireDetailsLinks() {
    document.querySelectorAll("a[data-open-details]").forEach(function (link) {
      link.addEventListener("click", function () {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target && target.tagName === "DETAILS") {
          target.open = true;
          var summary = target.querySelector("summary");
          if (summary) { setTimeout(function () { summary.focus(); }, 0); }
        }
      });
    });
  }

  function checkedValue(form, suffix) {
    var checked = form.querySelector("input[type=radio][name$='" + suffix + "']:checked");
    return checked ? checked.value : "";
  }

  // Show only the fields of the chosen kind of party (person / organisation).
  function wirePartyKinds() {
    document.querySelectorAll("form").forEach(function (form) {
      var groups = form.querySelectorAll("[data-party-kind]");
      if (!groups.length) { return; }
      function update() {
        var kind = checkedValue(form, "kind");
        groups.forEach(function (group) {
          group.hidden = !!kind && group.getAttribute("data-party-kind") !== kind && !group.querySelector(".field-has-error");
        });
      }
      form.querySelectorAll("input[type=radio][name$='kind']").forEach(function (r) { r.addEventListener("change", update); });
      update();
    });
  }

  // Registration: show the parts that belong to the chosen way of registering.
  function wireRegisterMode() {
    var form = document.querySelector("[data-register-form]");
    if (!form) { return; }
    function update() {
      var mode = checkedValue(form, "mode");
      // Looked up each time: HTMX may have swapped in parts (the Sekretess section).
      form.querySelectorAll("[data-show-for-mode]").forEach(function (group) {
        var modes = group.getAttribute("data-show-for-mode").split(" ");
        group.hidden = !!mode && modes.indexOf(mode) === -1 && !group.querySelector(".field-has-error");
      });
    }
    form.querySelectorAll("input[type=radio][name='mode']").forEach(function (r) { r.addEventListener("change", update); });
    document.body.addEventListener("htmx:afterSwap", update);
    update();
  }

  // A table too wide for the screen scrolls sideways and must then be reachable with
  // the keyboard (it carries tabindex=0 for that); one that fits needs no extra stop.
  function wireScrollRegions() {
    var regions = document.querySelectorAll("[data-scroll-region]");
    function update() {
      regions.forEach(function (region) {
        if (region.scrollWidth > region.clientWidth + 1) { region.setAttribute("tabindex", "0"); }
        else if (document.activeElement !== region) { region.removeAttribute("tabindex"); }
      });
    }
    window.addEventListener("resize", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireScrollRegions();
    wireErrorLinks();
    wireDetailsLinks();
    wirePartyKinds();
    wireRegisterMode();
    focusErrorSummary();
  });
})();
