/* edition serve only (never in the built site): reload this page when the preview has
   re-rendered it or when the list of validation errors has changed. A long-poll: the
   server answers when something changed, or after a while with no change. */
(() => {
  const since = document.currentScript.dataset.generation;
  const ask = () => {
    const query = new URLSearchParams({page: location.pathname, since});
    fetch(`/_edition/changes?${query}`, {cache: "no-store"})
      .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
      .then((change) => (change.reload ? location.reload() : ask()))
      .catch(() => setTimeout(ask, 1000)); // the server stopped or restarts: try again
  };
  ask();
})();
