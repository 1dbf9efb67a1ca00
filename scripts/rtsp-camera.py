#!/usr/bin/python3
"""A test RTSP camera: serves a video file in an endless loop at rtsp://HOST:PORT/stream.

Uses Debian's gst-rtsp-server (gir1.2-gst-rtsp-server-1.0 + python3-gi), so run it with the system
python (/usr/bin/python3), not a pyenv/venv interpreter that lacks `gi`.

How it works: one "feeder" pipeline reads the file in real time (appsink sync=true) and seeks back to
the start on EOS; every RTSP media built by the server gets an appsrc that the feeder pushes into. So the
stream never ends, every client sees live video, and H.264 files are passed through without re-encoding
(cheap on a 2-core box). `--codec h265` transcodes with x265enc instead.

Prints one line `READY rtsp://HOST:PORT/stream` on stdout when it accepts connections (port 0 picks a
free port). SIGTERM/SIGINT stop it cleanly.
"""
import argparse
import os
import signal
import sys

try:
    import gi
except ImportError:
    # A pyenv/venv python3 first on PATH lacks python3-gi: re-run under Debian's interpreter.
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def default_file():
    # Same rule as facesDataDir() in device/src/util/paths.ts: FACES_DATA_DIR or ../shared/data/faces.
    here = os.path.dirname(os.path.abspath(__file__))
    faces = os.environ.get("FACES_DATA_DIR") or os.path.join(here, "..", "..", "shared", "data", "faces")
    return os.path.normpath(os.path.join(faces, "video", "hamilton.mp4"))


def parse_args():
    p = argparse.ArgumentParser(description="Serve a video file in a loop over RTSP (test camera).")
    p.add_argument("--file", default=default_file(), help="video file (H.264 in MP4/MKV); default hamilton.mp4")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8554, help="TCP port; 0 picks a free one")
    p.add_argument("--path", default="/stream")
    p.add_argument("--codec", choices=["h264", "h265"], default="h264")
    p.add_argument("--user", default=None, help="require Basic auth with this user")
    p.add_argument("--password", default=None)
    return p.parse_args()


def feeder_description(codec):
    src = "filesrc name=file ! parsebin"
    if codec == "h264":
        # Pass the stream through; SPS/PPS before every IDR so clients can join at the next keyframe.
        enc = "h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au"
    else:
        enc = (
            "decodebin ! videoconvert ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max=30 "
            "! h265parse config-interval=-1 ! video/x-h265,stream-format=byte-stream,alignment=au"
        )
    return "%s ! %s ! appsink name=out sync=true emit-signals=true max-buffers=2 drop=false" % (src, enc)


class LoopingFeeder:
    """Plays the file in real time forever and hands each encoded access unit to the live appsrcs."""

    def __init__(self, path, codec):
        self.appsrcs = []
        self.pipeline = Gst.parse_launch(feeder_description(codec))
        # Set as a property, not in the launch string, so any path (spaces, quotes) works.
        self.pipeline.get_by_name("file").set_property("location", path)
        sink = self.pipeline.get_by_name("out")
        sink.connect("new-sample", self._on_sample)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message::eos", self._on_eos)
        bus.connect("message::error", self._on_error)

    def start(self):
        self.pipeline.set_state(Gst.State.PLAYING)

    def stop(self):
        self.pipeline.set_state(Gst.State.NULL)

    def _on_sample(self, sink):
        sample = sink.emit("pull-sample")
        buf = sample.get_buffer()
        caps = sample.get_caps()
        for src in list(self.appsrcs):
            if src.get_property("caps") is None:
                src.set_property("caps", caps)
            out = buf.copy()
            # appsrc do-timestamp stamps the live running time; the file's timestamps restart each loop.
            out.pts = Gst.CLOCK_TIME_NONE
            out.dts = Gst.CLOCK_TIME_NONE
            src.emit("push-buffer", out)
        return Gst.FlowReturn.OK

    def _on_eos(self, _bus, _msg):
        self.pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.KEY_UNIT, 0)

    def _on_error(self, _bus, msg):
        err, dbg = msg.parse_error()
        sys.stderr.write("feeder error: %s (%s)\n" % (err.message, dbg))
        sys.stderr.flush()
        os._exit(2)


class LoopFactory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, feeder, codec):
        super().__init__()
        self.feeder = feeder
        pay = "rtph264pay" if codec == "h264" else "rtph265pay"
        self.set_launch(
            "( appsrc name=src is-live=true format=time do-timestamp=true "
            "! queue max-size-buffers=30 leaky=downstream ! %s name=pay0 pt=96 config-interval=-1 )" % pay
        )
        self.set_shared(True)
        self.connect("media-configure", self._on_configure)

    def _on_configure(self, _factory, media):
        src = media.get_element().get_by_name_recurse_up("src")
        self.feeder.appsrcs.append(src)
        media.connect("unprepared", lambda _m: self.feeder.appsrcs.remove(src) if src in self.feeder.appsrcs else None)


def add_basic_auth(server, factory, user, password):
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "camera-user")
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
    server.set_auth(auth)
    perms = GstRtspServer.RTSPPermissions()
    perms.add_permission_for_role("camera-user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
    perms.add_permission_for_role("camera-user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
    factory.set_permissions(perms)


def main():
    args = parse_args()
    if not os.path.isfile(args.file):
        sys.stderr.write("no such file: %s\n" % args.file)
        return 2
    if (args.user is None) != (args.password is None):
        sys.stderr.write("--user and --password go together\n")
        return 2
    Gst.init(None)
    loop = GLib.MainLoop()
    feeder = LoopingFeeder(args.file, args.codec)

    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    factory = LoopFactory(feeder, args.codec)
    if args.user is not None:
        add_basic_auth(server, factory, args.user, args.password)
    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        sys.stderr.write("cannot listen on %s:%d\n" % (args.host, args.port))
        return 3

    feeder.start()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, loop.quit)
    print("READY rtsp://%s:%d%s" % (args.host, server.get_bound_port(), args.path), flush=True)
    loop.run()
    feeder.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
