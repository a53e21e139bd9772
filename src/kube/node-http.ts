/**
 * node:http, taken without an ES module namespace. `import { request } from 'node:http'` makes
 * Node read every export to build the namespace, and three of them (WebSocket, CloseEvent,
 * MessageEvent) are getters that load Node's bundled undici: ~0.76 MB of source compiled into a
 * process that never runs it. process.getBuiltinModule hands over the exports object itself, so
 * those getters stay unread. (`import type` from 'node:http' is erased, so it costs nothing.)
 */
export const http = process.getBuiltinModule('node:http');
