export * from './errors.js';
export {
  loadOrCreateDevelopmentMasterKey,
  MASTER_KEY_BYTES,
  parseMasterKey,
} from './master-key.js';
export {
  type ErasedPersonalData,
  erasedMarker,
  isErased,
  isSealed,
  PersonalDataCipher,
  type SealedPersonalData,
  subjectsIn,
} from './personal-data-cipher.js';
export { isSubjectId } from './subject-id.js';
export {
  type ErasureRequest,
  type ErasureResult,
  type SubjectDataKey,
  type SubjectKeySource,
  SubjectKeyStore,
} from './subject-keys.js';
