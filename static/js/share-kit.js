// The sharing kit's copy buttons: shown only when this script runs; without it the link is
// plain selectable text in a read-only field.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".share-copy").forEach((button) => {
    const field = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".share-copied");
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = "Copied.";
      } catch (error) {
        field.select();
        if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy.";
      }
    });
  });
});
