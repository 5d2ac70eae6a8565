// Stylesheets a component imports for their side effect; Vite bundles them into the page's CSS.
declare module '*.css';
