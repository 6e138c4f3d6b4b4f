// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";

  function autosubmit() {
    var forms = document.querySelectorAll("form.js-autosubmit");
    Array.prototype.forEach.call(forms, function (form) {
      var fallback = form.querySelector(".js-autosubmit-fallback");
      if (fallback) {
        fallback.classList.add("visually-hidden");
      }
      Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
        select.addEventListener("change", function () {
          form.submit();
        });
      });
    });
  }

  function confirmations() {
    // <form data-confirm="message">: ask before destructive posts.
    var forms = document.querySelectorAll("form[data-confirm]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
  }

  function birthPrecision() {
    // Show only the birth-date inputs that the chosen precision needs.
    var select = document.getElementById("id_birth_precision");
    if (!select) {
      return;
    }
    function update() {
      var value = select.value;
      Array.prototype.forEach.call(document.querySelectorAll("[data-precision]"), function (el) {
        var wanted = el.getAttribute("data-precision").split(" ");
        el.hidden = wanted.indexOf(value) === -1;
      });
    }
    select.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    autosubmit();
    confirmations();
    birthPrecision();
  });
})();
