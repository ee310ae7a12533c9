#!/usr/bin/env python3
"""A local HTTP server that answers every request after a delay, for fan-out benchmarks.

    bench/slow_server.py PORT [DELAY_SECONDS]

asyncio, one task per connection, so a thousand waiting clients cost it nothing; each gets
"200 OK" with a short body after the delay and the connection is closed.
"""
import asyncio
import sys

DELAY = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"


async def serve(reader, writer):
    try:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(DELAY)
        writer.write(ANSWER)
        await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]), backlog=4096)
    async with server:
        await server.serve_forever()


asyncio.run(main())
