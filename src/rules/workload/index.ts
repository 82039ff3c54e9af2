import { deliveryKind } from './delivery-kind.js';
import { imagePinned } from './image-pinned.js';
import { imageRepository } from './image-repository.js';
import { serviceType } from './service-type.js';

export const workloadRules = {
  'workload/delivery-kind': deliveryKind,
  'workload/image-pinned': imagePinned,
  'workload/image-repository': imageRepository,
  'workload/service-type': serviceType,
};
