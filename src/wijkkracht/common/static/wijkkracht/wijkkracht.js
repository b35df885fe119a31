// Behaviour for every page. The Content-Security-Policy allows no inline script or event handlers:
// pages mark elements with data attributes and this file wires them up.
"use strict";

document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});

// In-page section navigation (`data-section-nav`, the case-file page): after a jump the link of the section
// jumped to is marked as current (aria-current), for sighted and screen-reader users alike.
function markCurrentSection() {
  var hash = window.location.hash;
  document.querySelectorAll("[data-section-nav]").forEach(function (nav) {
    var links = Array.prototype.slice.call(nav.querySelectorAll("a[href^='#']"));
    var current = links.filter(function (link) { return link.getAttribute("href") === hash; })[0];
    if (!current) return;
    links.forEach(function (link) {
      if (link === current) link.setAttribute("aria-current", "location");
      else link.removeAttribute("aria-current");
    });
  });
}
window.addEventListener("hashchange", markCurrentSection);
document.addEventListener("DOMContentLoaded", markCurrentSection);
