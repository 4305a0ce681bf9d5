// The Payment Element (production only): Stripe.js collects the card and confirms in the
// browser, then returns to the checkout page, which reads the result from Stripe.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") return;
  // A clinic paid through Stripe Connect: every Stripe.js call on its own account.
  var account = form.dataset.stripeAccount;
  var stripe = account
    ? Stripe(form.dataset.publishableKey, { stripeAccount: account })
    : Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  elements.create("payment").mount("#payment-element");
  var errorBox = document.getElementById("payment-error");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var confirm = form.dataset.setup ? stripe.confirmSetup : stripe.confirmPayment;
    confirm.call(stripe, {
      elements: elements,
      confirmParams: { return_url: form.dataset.returnUrl },
    }).then(function (result) {
      if (result.error) {
        errorBox.textContent = result.error.message;
        errorBox.hidden = false;
      }
    });
  });
})();
