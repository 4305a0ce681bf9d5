// The referral page's Share and Copy buttons: shown only where the browser can do
// them (the Web Share API on phones, the clipboard elsewhere); the link stays
// selectable in its field either way.
(() => {
  const field = document.querySelector("[data-share-url]");
  const row = document.querySelector("[data-share-buttons]");
  if (!field || !row) return;
  const share = row.querySelector("[data-share]");
  const copy = row.querySelector("[data-copy]");
  const copied = row.querySelector("[data-copied]");
  if (navigator.share) {
    share.hidden = false;
    share.addEventListener("click", () => {
      navigator
        .share({ title: share.dataset.shareTitle, text: share.dataset.shareText, url: field.value })
        .catch(() => {}); // the person closed the share sheet
    });
  }
  if (navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      await navigator.clipboard.writeText(field.value);
      copied.hidden = false;
    });
  }
  row.hidden = share.hidden && copy.hidden;
})();
