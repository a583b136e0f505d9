import type { ScreenApi } from '@shared/ipc/screen';
import { invoke } from './bridge';

export const screenApi: ScreenApi = {
  sources: () => invoke('screen:sources'),
  choose: (choice) => invoke('screen:choose', choice),
};
