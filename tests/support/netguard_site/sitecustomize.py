"""Loaded by every Python process started with this folder on PYTHONPATH: guard the network."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests.support import netguard

netguard.install()
