// Voice practice through livekit-client (vendored UMD bundle, loaded only when a voice session
// opens). The trainee publishes the microphone and hears the AI client; the transcript arrives
// through the REST API like every other page's data.
let loading = null;

function loadLiveKit() {
  if (window.LivekitClient) return Promise.resolve(window.LivekitClient);
  loading ||= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/vendor/livekit-client.umd.js';
    script.onload = () => resolve(window.LivekitClient);
    script.onerror = () => reject(new Error('The voice library could not be loaded.'));
    document.head.append(script);
  });
  return loading;
}

export async function joinVoice({ url, token }, { onState, audioParent, signal }) {
  const LK = await loadLiveKit();
  const room = new LK.Room({ adaptiveStream: true, dynacast: true });
  room.on(LK.RoomEvent.TrackSubscribed, (track) => {
    if (track.kind === LK.Track.Kind.Audio) audioParent.append(track.attach());
  });
  room.on(LK.RoomEvent.TrackUnsubscribed, (track) => track.detach().forEach((el) => el.remove()));
  room.on(LK.RoomEvent.Disconnected, () => onState('disconnected'));
  room.on(LK.RoomEvent.Reconnecting, () => onState('reconnecting'));
  room.on(LK.RoomEvent.Reconnected, () => onState('connected'));
  onState('connecting');
  await room.connect(url, token);
  await room.localParticipant.setMicrophoneEnabled(true);
  onState('connected');
  signal.addEventListener('abort', () => room.disconnect(), { once: true });
  return {
    async setMuted(muted) { await room.localParticipant.setMicrophoneEnabled(!muted); },
    disconnect() { return room.disconnect(); },
  };
}
