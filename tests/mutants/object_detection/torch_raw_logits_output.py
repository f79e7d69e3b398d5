"""The model returns the raw head output: no sigmoid on objectness and box channels, no softmax
on the classes, so its output is not in the documented prediction layout.

tracks: torch
expect-fail: detector.detector_output_format
message: sigmoid
"""
import torch


class RawGridDetector(GridDetector):
    def forward(self, x):
        return self.head(self.body(x))


def build_detector(grid, num_classes, seed):
    torch.manual_seed(seed)
    return RawGridDetector(num_classes).to(DEVICE)
