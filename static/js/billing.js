// While a payment is being confirmed, reload the page until the webhook has credited it.
(function () {
  "use strict";
  var status = document.getElementById("purchase-status");
  if (!status || !status.dataset.refreshSeconds) {
    return;
  }
  var seconds = parseInt(status.dataset.refreshSeconds, 10) || 2;
  window.setTimeout(function () {
    window.location.reload();
  }, seconds * 1000);
})();
