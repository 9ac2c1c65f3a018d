# smtp_sink.py - a real SMTP server for the notification tests
# (tests/e2e/notify.test.mjs): aiosmtpd on 127.0.0.1:PORT, each message
# received written whole to DIR/<time in ns>-<n>.eml (written, then
# renamed, so that a reader never sees half a message), its envelope in
# DIR/<same>.json; DIR/started-<n> is made when the n-th DATA has come in,
# before it is answered.  Usage: python3 smtp_sink.py PORT DIR [DELAY_S]; with
# DELAY_S each DATA is answered that many seconds late (a slow server, to
# kill the sender while it waits).
import asyncio
import json
import os
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder, delay):
        self.folder = folder
        self.delay = delay
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.started = getattr(self, "started", 0) + 1
        open(os.path.join(self.folder, f"started-{self.started}"), "w").close()
        if self.delay:
            await asyncio.sleep(self.delay)
        self.n += 1
        name = f"{time.time_ns()}-{self.n}"
        tmp = os.path.join(self.folder, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        with open(os.path.join(self.folder, name + ".json"), "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "received_ns": time.time_ns()}, f)
        os.rename(tmp, os.path.join(self.folder, name + ".eml"))
        return "250 OK"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0
    c = Controller(Sink(folder, delay), hostname="127.0.0.1", port=port)
    c.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        c.stop()


if __name__ == "__main__":
    main()
