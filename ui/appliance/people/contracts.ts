/** Types of the people pages' API (staff, customers, review, enrolment), inferred from the server's zod contracts. */
import type { In, Of } from '../../kit/wire.js';
import type * as Http from '../../../device/src/contracts/http.js';
import type * as Capture from '../../../device/src/contracts/enrol-capture.js';
import type * as Review from '../../../device/src/contracts/review-groups.js';

export type ForgetPreview = Of<typeof Http.ForgetPreview>;
export type SampleView = Of<typeof Http.SampleView>;
export type CaptureView = Of<typeof Capture.CaptureView>;
export type CaptureShot = Of<typeof Capture.CaptureShot>;
export type StartCaptureRequest = In<typeof Capture.StartCaptureRequest>;
export type EnrolCaptureRequest = In<typeof Capture.EnrolCaptureRequest>;
export type EnrolSeenRequest = In<typeof Capture.EnrolSeenRequest>;
export type EnrolSeenResult = Of<typeof Capture.EnrolSeenResult>;
export type ReviewGroupList = Of<typeof Review.ReviewGroupList>;
export type ReviewGroup = Of<typeof Review.ReviewGroup>;
export type ReviewPerson = Of<typeof Review.ReviewPerson>;
export type ReviewBatchRequest = In<typeof Review.ReviewBatchRequest>;
export type ReviewBatchResult = Of<typeof Review.ReviewBatchResult>;
