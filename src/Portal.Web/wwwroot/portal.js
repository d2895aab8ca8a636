// What the server cannot know about the reader's browser: its time zone, and the colour scheme they chose here.
window.portal = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    // "light", "dark", or null: follow the system setting.
    scheme: () => localStorage.getItem("portal-scheme"),
    setScheme: (scheme) => scheme ? localStorage.setItem("portal-scheme", scheme) : localStorage.removeItem("portal-scheme"),
};
