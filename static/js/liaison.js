// Small behaviours every page may use, kept out of the HTML so that the Content-Security-Policy
// can refuse inline scripts.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control.matches && control.matches("[data-autosubmit]") && control.form) {
      control.form.requestSubmit();
    }
  });
})();
