"""The model report: written once into a temporary folder, read as HTML, then opened in Chromium."""

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from PIL import Image

from analysis.docs import model_report
from analysis.docs.model_report import write_report
from myokine.interface import PROTOCOL
from myokine.provenance import note_text, parse_tag, read_references
from myokine.interface import OBSERVABLE_IDS as OBSERVABLES

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class Page(HTMLParser):
    """Row ids per table, the tag and links of each row, every link, image and element id."""

    def __init__(self, text: str):
        super().__init__()
        self.rows: dict[str, list[str]] = {}  # table class -> row ids
        self.row_tags: dict[str, str] = {}  # row id -> provenance tag text
        self.row_links: dict[str, list[str]] = {}
        self.hrefs: list[str] = []
        self.images: list[str] = []
        self.ids: set[str] = set()
        self.loads: list[str] = []  # every src or stylesheet the page would load
        self._table = self._row = None
        self._in_tag = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "table":
            self._table = attrs.get("class")
            self.rows.setdefault(self._table, [])
        elif tag == "tr" and "id" in attrs:
            self._row = attrs["id"]
            self.rows[self._table].append(attrs["id"].removeprefix(f"{self._table}-"))
        elif tag == "span" and "tag" in attrs.get("class", "").split():
            self._in_tag = True
            self.row_tags[self._row] = ""
        href = attrs.get("href") or attrs.get("xlink:href")
        if tag == "a" and href:
            self.hrefs.append(href)
            if self._row:
                self.row_links.setdefault(self._row, []).append(href)
        if tag == "img":
            self.images.append(attrs["src"])
        if "src" in attrs or tag in ("link", "script"):
            self.loads.append(attrs.get("src") or attrs.get("href") or tag)

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None
        elif tag == "span":
            self._in_tag = False

    def handle_data(self, data):
        if self._in_tag:
            self.row_tags[self._row] += data


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    return write_report(tmp_path_factory.mktemp("report") / "docs")


@pytest.fixture(scope="module")
def page(report) -> Page:
    return Page(report.read_text(encoding="utf-8"))


def test_report_folder_is_complete(report, experiments):
    folder = report.parent
    assert sorted(p.name for p in (folder / "figures").iterdir()) == sorted(f"{n}.png" for n in experiments)
    assert (folder / "diagram.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert [p.name for p in folder.parent.iterdir()] == ["docs"]  # no staging folder left


def test_a_new_report_replaces_the_old_whole_and_a_failed_one_changes_nothing(tmp_path, monkeypatch):
    def write(name):
        def write_into(folder):
            (folder / name).write_text(name)
            if name == "broken":
                raise RuntimeError("drawing failed")
            return folder / "index.html"
        return write_into

    out = tmp_path / "docs"
    for name in ("first", "second"):
        monkeypatch.setattr(model_report, "write_into", write(name))
        assert write_report(out) == out / "index.html"
        assert [p.name for p in out.iterdir()] == [name]
    monkeypatch.setattr(model_report, "write_into", write("broken"))
    with pytest.raises(RuntimeError):
        write_report(out)
    assert [p.name for p in out.iterdir()] == ["second"]
    assert [p.name for p in tmp_path.iterdir()] == ["docs"]


def test_tables_hold_every_element(page, sbml_model):
    expected = {
        "compartment": sbml_model.getListOfCompartments(),
        "species": sbml_model.getListOfSpecies(),
        "parameter": sbml_model.getListOfParameters(),
        "reaction": sbml_model.getListOfReactions(),
        "event": sbml_model.getListOfEvents(),
    }
    for kind, elements in expected.items():
        assert page.rows[kind] == [e.getId() for e in elements], kind
    assert page.rows["observable"] == list(OBSERVABLES)
    protocol = [p.getId() for p in sbml_model.getListOfParameters()
                if p.getConstant() and parse_tag(note_text(p)).kind == "protocol"]
    assert page.rows["protocol"] == list(PROTOCOL) and sorted(protocol) == sorted(PROTOCOL)


def test_every_constant_parameter_shows_its_tag(page, sbml_model):
    references = read_references()
    for parameter in sbml_model.getListOfParameters():
        if not parameter.getConstant():
            continue
        row = f"parameter-{parameter.getId()}"
        found = parse_tag(note_text(parameter))
        assert found is not None, parameter.getId()
        assert page.row_tags[row] == found.label
        for key in found.keys:
            assert references[key].url in page.row_links[row], (parameter.getId(), key)


def test_every_local_link_and_image_resolves(report, page):
    local = [h for h in page.hrefs if not urlparse(h).scheme]
    assert local, "the page links nothing locally"
    for href in local:
        path, _, fragment = href.partition("#")
        if path:
            assert (report.parent / unquote(path)).is_file(), href
        elif fragment:
            assert fragment in page.ids, href
    assert len(page.images) == len(list((report.parent / "figures").iterdir()))
    for src in page.images:
        assert (report.parent / unquote(src)).is_file(), src


def test_nothing_loads_from_the_network(report, page):
    assert all(not urlparse(src).scheme for src in page.loads), page.loads
    text = report.read_text(encoding="utf-8")
    assert "@import" not in text and "url(" not in text


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for program in (CHROMIUM, CHROMEDRIVER):
        assert shutil.which(program), f"{program} is missing: run 'make system-packages'"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


@pytest.mark.browser
def test_report_renders_in_chromium(report, browser, sbml_model, tmp_path):
    browser.get(report.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors
    events = [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]
    requested = [  # what the report's page asked for (not the browser's own start page)
        event["params"]["request"]["url"] for event in events
        if event["method"] == "Network.requestWillBeSent" and event["params"]["documentURL"] == report.as_uri()
    ]
    assert report.as_uri() in requested
    assert all(url.startswith(("file://", "data:")) for url in requested), requested

    images = browser.execute_script(
        "return [...document.images].map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])"
    )
    assert len(images) == len(list((report.parent / "figures").iterdir()))
    assert all(complete and width > 0 for _, complete, width in images), images

    width, height, nodes = browser.execute_script(
        "const svg = document.querySelector('.diagram svg'); const box = svg.getBBox();"
        "return [box.width, box.height, svg.querySelectorAll('g.node').length]"
    )
    assert width > 1000 and height > 500
    assert nodes == sbml_model.getNumSpecies() + sbml_model.getNumReactions() + len(OBSERVABLES)

    top = tmp_path / "report.png"
    browser.save_screenshot(str(top))
    diagram = tmp_path / "diagram.png"
    browser.find_element("css selector", ".diagram").screenshot(str(diagram))
    for screenshot in (top, diagram):
        colours = Image.open(screenshot).convert("RGB").getcolors(maxcolors=1 << 24)
        assert len(colours) > 50, f"{screenshot} looks blank"
