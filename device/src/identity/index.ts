/** Identity's public surface (see docs/identity.md). */
export { IdentityService, type IdentityServiceOptions, type IdentityHooks, type PhotoIdentification } from './identity-service.js';
export { analyzeEnrolPhotos, type EnrolImage } from './enrol-photos.js';
export type { EnrolPhoto, EnrolReport, PhotoFeedback, PhotoVerdict, StaffView, StaffDetail } from './staff.js';
export type { CustomerView, CustomerDetail, SampleView } from './customers.js';
export type { IdentityError, IdentityErrorCode } from './errors.js';
export type { ReviewItem, ReviewReason } from './model.js';
export { Gallery, GalleryError, type SearchResult, type PersonMatch } from './gallery.js';
export { defaultThresholds, type IdentityThresholds } from './thresholds.js';
