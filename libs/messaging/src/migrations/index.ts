import { CreateDelivery1764100000000 } from './1764100000000-create-delivery.js';
import { ProjectionFingerprints1765300000000 } from './1765300000000-projection-fingerprints.js';

export const deliveryMigrations = [
  CreateDelivery1764100000000,
  ProjectionFingerprints1765300000000,
];
