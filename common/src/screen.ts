/**
 * Remote screen and remote control (issue 3): the contract shared by the hub, the practitioner app
 * and the console.
 *
 * Flow: the technician asks (`screen:request`) → the hub checks that this technician is assigned to
 * the device's open request → the device shows a consent window (`screen:consent-request` push) →
 * only after "Autoriser" (`screen:consent` granted) may the device capture and create the peer (it
 * is the WebRTC initiator) → SDP/ICE travel with `screen:signal`, relayed by the hub only between
 * the two sockets bound to the session, checked on every message → input events travel on the
 * data channel (TechDataMessage / DeviceDataMessage), never through the hub. Control is a
 * second consent on the same session (`screen:control` → consent-request kind "control").
 *
 * The entry point; each job has its module under screen/: limits, session (states, consents, the
 * record), signaling (ICE and signal data), events (the socket contract), data-channel (input,
 * clipboard, the bounded parser) and strings.
 */
export * from './screen/limits.js';
export * from './screen/session.js';
export * from './screen/signaling.js';
export * from './screen/events.js';
export * from './screen/data-channel.js';
export * from './screen/strings.js';
