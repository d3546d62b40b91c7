"""How long does the drawing page wait for an answer from POST /api/predict? Budget: 50 ms.

    python benchmarks/predict_api.py [--requests 200] [--model PATH] [--side 140]

The server (show/server.py) is started in this process on a free port of 127.0.0.1,
and MNIST test digits are POSTed to it one after another, each as the page sends a
drawing: {"image": "data:image/png;base64,..."}, a PNG of --side × --side pixels (the
page sends 140 × 140). Each request is timed from opening the connection to the last
byte of the answer. The script prints the median next to references measured in the
same run, on the same machine, on the same images:

    without HTTP            the server's own work, called directly: read the JSON, decode
                            the PNG, preprocess, run the network, write the JSON answer
      preprocessing         of which: base64 + PNG decode + data/preprocess.mnist_style
      the network           of which: read and check a {"pixels": [...]} JSON body
                            (read_prediction_request), the forward pass, the strongest
                            hidden units, and the digit followed backward for its
                            prediction, with the loss after one trial step
                            (show/backward_views.py)
    pixels over HTTP        POST {"pixels": [784 numbers]}: no PNG, no preprocessing

The model is --model, else models/mnist.json; without one, an untrained 784-128-10
network of train.py's size stands in (the time depends on the sizes, not the weights).
Exit status 1 when the median answer over HTTP is over budget.
"""

import argparse
import base64
import http.client
import io
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.common import DEFAULT_MODEL, median_seconds, untrained_stand_in  # noqa: E402
from data import load_mnist  # noqa: E402  (after the path is set, to run from any folder)
from data.preprocess import decode_image_bytes, mnist_style  # noqa: E402
from my_math.fast import use_fast_forms  # noqa: E402
from network.model_file import load_network  # noqa: E402
from show.server import make_server, predict_answer, read_prediction_request  # noqa: E402

BUDGET = 0.050  # seconds, for one answer to /api/predict
DIGITS = 20  # the test images sent, in turn


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests of each kind (default 200)")
    parser.add_argument("--model", help="the model file (default models/mnist.json, else an untrained stand-in)")
    parser.add_argument("--side", type=int, default=140, help="the PNG's width and height in pixels (default 140)")
    args = parser.parse_args()
    use_fast_forms()  # as test_single.py --serve does

    if args.model or os.path.exists(DEFAULT_MODEL):
        model, net = args.model or DEFAULT_MODEL, load_network(args.model or DEFAULT_MODEL)
    else:
        model, net = "an untrained 784-128-10 stand-in (no models/mnist.json)", untrained_stand_in()
    test = load_mnist()[1]
    images = [json.dumps({"image": png_data_url(test.image(i), args.side)}).encode() for i in range(DIGITS)]
    pixels = [json.dumps({"pixels": list(test.image(i))}).encode() for i in range(DIGITS)]

    server = make_server(net, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})  # shutdown() waits a poll
    thread.start()
    try:
        port = server.server_address[1]
        post(port, images[0])  # the first request pays for importing Pillow
        print(f"{sys.implementation.name} {sys.version.split()[0]}, model {model}, "
              f"{args.side} × {args.side} PNGs of {DIGITS} test digits; median of {args.requests} requests\n")
        medians = median_seconds({  # round r sends digit r % DIGITS
            "over HTTP": lambda r: post(port, images[r % DIGITS]),
            "without HTTP": lambda r: serve_directly(server, images[r % DIGITS]),
            "preprocessing": lambda r: preprocess(images[r % DIGITS]),
            "the network": lambda r: answer_of(net, pixels[r % DIGITS]),
            "pixels over HTTP": lambda r: post(port, pixels[r % DIGITS]),
        }, args.requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

    for name, seconds in medians.items():
        indent = "    " if name in ("preprocessing", "the network") else "  "
        print(f"{indent}{name:<{22 - len(indent)}}{1000 * seconds:6.1f} ms")
    answer = medians["over HTTP"]
    print(f"\nAn answer to POST /api/predict: {1000 * answer:.1f} ms, budget {1000 * BUDGET:.0f} ms: "
          f"{'within' if answer <= BUDGET else 'OVER'} budget; HTTP adds "
          f"{1000 * (answer - medians['without HTTP']):.1f} ms to the server's own work.")
    return 0 if answer <= BUDGET else 1


def png_data_url(pixels, side=140):
    """An MNIST image (784 bytes) enlarged to side × side, as a PNG data URL like the page's canvas gives.

    The page sends its drawing at 140 × 140 (SEND_SIZE in show/web/app.js).
    """
    from PIL import Image

    picture = Image.frombytes("L", (28, 28), bytes(pixels)).resize((side, side), Image.BILINEAR)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def post(port, body):
    """POST body to /api/predict on a new connection, as the page does; the answer's bytes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/api/predict", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise RuntimeError(f"the server answered {response.status}: {answer.decode()}")
        return answer
    finally:
        connection.close()


def serve_directly(server, body):
    """What the server does for one request, without HTTP: JSON in, JSON out."""
    return json.dumps(answer_of(server.net, body), separators=(",", ":")).encode()


def answer_of(net, body):
    """What predict_answer answers to the JSON body, as the server reads it."""
    inputs, asked = read_prediction_request(body)
    return predict_answer(net, inputs, **asked)


def preprocess(body):
    url = json.loads(body)["image"]
    return mnist_style(decode_image_bytes(base64.b64decode(url.split(",", 1)[1])))


if __name__ == "__main__":
    sys.exit(main())
