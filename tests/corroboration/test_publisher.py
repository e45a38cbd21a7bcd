"""The address decides who published a page; a page's own name decides only where the
address says nothing, and can never make a page another outlet's."""

from sources.publisher import KnownOutlet, Reason, identify_publisher, registrable_domain

AP = KnownOutlet(1, "The Associated Press", ["apnews.com"], ["AP"])
HERALD = KnownOutlet(2, "The Prairie Herald", [], ["Prairie Herald"])
OUTLETS = [AP, HERALD]


def test_a_listed_domain_decides_whatever_the_page_calls_itself():
    found = identify_publisher(url="https://news.apnews.com/article/x", site_name="Totally Other", outlets=OUTLETS)
    assert found.outlet_id == 1
    assert found.reason == Reason.DOMAIN


def test_an_unlisted_domain_is_a_new_outlet_named_from_the_page():
    found = identify_publisher(
        url="https://www.brightwater-daily.com/a", site_name="Brightwater Daily", outlets=OUTLETS
    )
    assert found.outlet_id is None
    assert found.new_outlet.name == "Brightwater Daily"
    assert found.new_outlet.domain == "brightwater-daily.com"
    assert found.reason == Reason.NEW_DOMAIN


def test_a_new_outlet_without_og_site_name_is_named_from_its_json_ld_publisher_or_its_domain():
    by_publisher = identify_publisher(url="https://gsr.org/a", jsonld_publisher="Gulf Security Review", outlets=[])
    by_domain = identify_publisher(url="https://gsr.org/a", outlets=[])
    assert by_publisher.new_outlet.name == "Gulf Security Review"
    assert by_domain.new_outlet.name == "gsr.org"


def test_a_page_cannot_make_itself_ap_by_its_name_or_its_canonical_link():
    found = identify_publisher(
        url="https://newsflash-hub.net/world/1",
        site_name="The Associated Press",
        canonical="https://apnews.com/article/1",
        outlets=OUTLETS,
    )
    assert found.outlet_id is None
    assert found.new_outlet.name == "newsflash-hub.net"
    assert found.new_outlet.claimed_name == "The Associated Press"
    assert found.canonical_domain == "apnews.com"


def test_on_an_ip_address_the_page_name_decides_even_for_an_outlet_with_domains():
    found = identify_publisher(url="http://203.0.113.50/ap/story", site_name="The Associated Press", outlets=OUTLETS)
    assert found.outlet_id == 1
    assert found.reason == Reason.NAME_WITHOUT_DOMAIN


def test_an_outlet_without_domains_is_recognised_by_name_on_any_domain():
    found = identify_publisher(url="https://www.prairieherald.net/news/1", site_name="Prairie Herald", outlets=OUTLETS)
    assert found.outlet_id == 2
    assert found.reason == Reason.NAME_OF_DOMAINLESS_OUTLET


def test_an_ip_address_page_naming_nobody_known_cannot_be_placed():
    found = identify_publisher(url="http://10.0.0.5/x", site_name="Somebody", outlets=OUTLETS)
    assert found.reason == Reason.UNKNOWN
    assert not found.known


def test_registrable_domains_are_read_offline():
    assert registrable_domain("https://news.bbc.co.uk/x") == "bbc.co.uk"
    assert registrable_domain("http://[2001:db8::1]/x") == ""
    assert registrable_domain("http://192.0.2.1/x") == ""
