/** The toolkit shared by the appliance's page and HQ's page. See ui/README.md. */
export * from './api.js';
export * from './hooks.js';
export * from './session.js';
export * from './strings.js';
export * from './theme.js';
export * from './components/feedback.js';
export * from './components/forms.js';
export * from './components/table.js';
export * from './components/layout.js';
export * from './components/images.js';
export * from './charts/chart.js';
export type * from './contracts.js';
