// The Payment Element (production only): Stripe.js collects the card (or Apple Pay /
// Google Pay where the browser and device offer them) and confirms in the browser, then
// returns to the checkout page, which reads the result from Stripe. A "Save this card"
// box is sent to the server first, which sets it on the PaymentIntent.
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
  elements
    .create("payment", { wallets: { applePay: "auto", googlePay: "auto" } })
    .mount("#payment-element");
  var errorBox = document.getElementById("payment-error");

  // A declined card is an error box the patient is taken to (and a screen reader reads).
  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    errorBox.focus();
  }

  function sendSaveChoice() {
    if (!form.querySelector('input[name="save_choice"]')) return Promise.resolve();
    return fetch(window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) throw new Error(response.statusText);
      return elements.fetchUpdates();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var confirm = form.dataset.setup ? stripe.confirmSetup : stripe.confirmPayment;
    sendSaveChoice()
      .then(function () {
        return confirm.call(stripe, {
          elements: elements,
          confirmParams: { return_url: form.dataset.returnUrl },
        });
      })
      .then(function (result) {
        if (result && result.error) showError(result.error.message);
      })
      .catch(function (error) {
        showError(error.message);
      });
  });
})();
