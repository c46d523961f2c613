import { createHomePage } from './homePage.js';

createHomePage().start();
