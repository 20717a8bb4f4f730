"""What a frozen muxclipper needs for OpenTimelineIO's adapters (services/cut_lists.py), for the spec and its test.

OTIO finds adapter plug-ins by their ``opentimelineio.plugins`` entry points (in each package's dist-info), reads
each one's ``plugin_manifest.json``, and loads the adapter from the ``.py`` file the manifest names, by path, not
by import. A bundle therefore needs: the dist-info metadata (entry points), the manifests, the adapters' ``.py``
sources as files, OTIO's own built-in manifest and adapters (``otio_json``, imported by name), and the adapters
as hidden imports so PyInstaller also bundles what they import (xml.etree, urllib…).
"""

from __future__ import annotations

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

ADAPTERS = {"otio-cmx3600-adapter": ("otio_cmx3600_adapter", "cmx_3600"),
            "otio-fcp-adapter": ("otio_fcp_adapter", "fcp_xml"),
            "otio-fcpx-xml-adapter": ("otio_fcpx_xml_adapter", "fcpx_xml")}


def _wanted(name: str) -> bool:
    # OTIO's console tools and test helpers import unittest and friends, which the bundle leaves out.
    return not name.startswith(("opentimelineio.console", "opentimelineio.test_utils"))


def datas() -> list[tuple[str, str]]:
    found = list(collect_data_files("opentimelineio")) + list(copy_metadata("opentimelineio"))
    for dist, (package, _) in ADAPTERS.items():
        found += collect_data_files(package, include_py_files=True)
        found += copy_metadata(dist)
    return found


def hiddenimports() -> list[str]:
    modules = collect_submodules("opentimelineio", filter=_wanted)
    return modules + [f"{package}.{module}" for package, module in ADAPTERS.values()] + \
        [package for package, _ in ADAPTERS.values()]
