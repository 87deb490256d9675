/**
 * The domain rules shared by the station (main/station), the contract (preload/contract) and
 * the renderer: imported, never copied. Plain TypeScript: no Node, no Electron, no imports from
 * main/, native/ or preload/ (eslint.config.js enforces it), so it runs in every layer.
 */
export * from './errors';
export * from './methods';
export * from './pin';
export * from './policy';
export * from './password';
