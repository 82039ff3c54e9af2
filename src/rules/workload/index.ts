import { imagePinned } from './image-pinned.js';
import { serviceType } from './service-type.js';

export const workloadRules = {
  'workload/image-pinned': imagePinned,
  'workload/service-type': serviceType,
};
