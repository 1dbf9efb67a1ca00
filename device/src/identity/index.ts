/** Identity's public surface (see docs/identity.md). */
export { Identity, type IdentityOptions } from './identity.js';
export type { IdentityHooks } from './identity-records.js';
export { IdentityTrackDecider } from './track-decider.js';
export { PeopleAdmin, type PhotoIdentification } from './people-admin.js';
export { analyzeEnrolPhotos, type EnrolImage, type EnrolPhoto, type EnrolReport, type PhotoFeedback, type PhotoVerdict } from './enrolment.js';
export type { StaffView, StaffDetail } from './staff.js';
export type { CustomerView, CustomerDetail, SampleView } from './customers.js';
export type { IdentityError, IdentityErrorCode } from './errors.js';
export type { ReviewItem, ReviewReason } from './model.js';
export { Gallery, GalleryError, type SearchResult, type PersonMatch } from './gallery.js';
export { defaultThresholds, type IdentityThresholds } from './thresholds.js';
