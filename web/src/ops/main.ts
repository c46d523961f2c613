import { createOpsPage } from './opsPage.js';

createOpsPage().start();
