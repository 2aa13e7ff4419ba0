"""Make the local MediaWiki render the Hubs pages the way Meta-Wiki renders their source
pages, for the MediaWiki oracle (tests/integration/test_oracle.py).

Two things the Debian MediaWiki lacks:

* Meta's display templates. ``TEMPLATES`` holds small but faithful versions of the ones the
  Hubs pages call: ``{{nowrap}}``, ``{{Sort}}``, ``{{dts}}``, ``{{date}}`` (through
  ``{{#time:}}`` from ParserFunctions), ``{{ll}}`` (Translate's link template), and, for
  templates hubbot treats as opaque, plausible stand-ins (``{{flag}}`` shows a flag image
  and a name, ``{{Partial}}`` a coloured status word). They are imported into the wiki before
  its pristine snapshot is taken, so ``LocalWiki.reset()`` keeps them.

* The Translate extension. On Meta, a translatable source page is shown with the
  ``<translate>``/``</translate>`` tags (with the newline after an opening and before a
  closing tag), the unit markers ``<!--T:n-->`` (with one space or newline after them) and
  ``<languages/>`` gone (the language bar aside), and every variable ``<tvar name=x>X</tvar>``
  or old-style ``<tvar|x>X</>`` replaced by X. (Translate also shields ``<nowiki>`` from
  this; the shim does not, no fixture puts Translate markup inside ``<nowiki>``.) ``TRANSLATE_SHIM_PHP`` is a
  ``ParserBeforeInternalParse`` hook (Translate itself renders source pages from a parser
  hook) that does exactly that before MediaWiki parses the text; it is appended to the
  wiki's LocalSettings.php.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES: dict[str, str] = {
    # Meta: Template:Nowrap
    "Nowrap": '<span class="nowrap">{{{1}}}</span><noinclude>\nKeeps its text on one line.'
              '\n</noinclude>',
    # Meta: Template:Sort (sort key for sortable tables, then the shown text)
    "Sort": '<span data-sort-value="{{{1}}}">{{{2|{{{1}}}}}}</span><noinclude>\n'
            'Usage: <nowiki>{{Sort|sort key|shown text}}</nowiki>\n</noinclude>',
    # Meta: Template:Dts (date table sorting): {{dts|2022|3|12}} -> 12 March 2022
    "Dts": '<span data-sort-value="{{#time:Y-m-d|{{{1}}}-{{{2|1}}}-{{{3|1}}}}}" '
           'style="white-space:nowrap">{{#time:j F Y|{{{1}}}-{{{2|1}}}-{{{3|1}}}}}</span>'
           '<noinclude>\nUsage: <nowiki>{{dts|2022|3|12}}</nowiki>\n</noinclude>',
    # Meta: Template:Date: {{date|2022-03-12}} -> 12 March 2022
    "Date": '{{#time:j F Y|{{{1}}}}}<noinclude>\nUsage: <nowiki>{{date|2022-03-12}}'
            '</nowiki>\n</noinclude>',
    # Translate's link template
    "Ll": '[[Special:MyLanguage/{{{1}}}|{{{2|{{{1}}}}}}]]<noinclude>\n'
          'Link to the translation of a page in the reader\'s language.\n</noinclude>',
    # opaque to hubbot: a flag image and the country's name
    "Flag": '<span class="flagicon">[[File:Flag of {{{1}}}.svg|23x15px|border|link=]]</span>'
            '&nbsp;{{{2|{{{1}}}}}}<noinclude>\nA small flag and a name.\n</noinclude>',
    # opaque to hubbot: a status word on a coloured background
    "Partial": '<span style="background:#ffd; padding:0 .3em" class="partial">{{{1|Partial}}}'
               '</span><noinclude>\nA status that only partly applies.\n</noinclude>',
}

TRANSLATE_SHIM_PHP = r"""
# --- hubbot oracle: render Translate markup as Translate shows a translatable source page
# (the whitespace rules of Translate's TranslatablePageParser::cleanupTags) ---
$wgHooks['ParserBeforeInternalParse'][] = static function ( $parser, &$text, $stripState ) {
	$text = preg_replace( '~<languages\s*/>~', '', $text );
	$text = preg_replace( '~<translate( nowrap)?>\n?~s', '', $text );
	$text = preg_replace( '~\n?</translate>~s', '', $text );
	$text = preg_replace( '~<tvar\|[^>]+>(.*?)</>~us', '$1', $text );
	$text = preg_replace(
		'~<tvar\s+name\s*=\s*(?:"[^"]*"|\'[^\']*\'|[^\s>]+)\s*>(.*?)</tvar>~us', '$1', $text );
	$text = preg_replace( '~(^=.*=) <!--T:[^>]+?-->$~um', '$1', $text );
	$text = preg_replace( '~<!--T:[^>]+?-->[\n ]?~um', '', $text );
	return true;
};
"""


def write_template_files(folder: Path) -> list[Path]:
    """One file per template, named by its title without the namespace, for
    ``importTextFiles.php --prefix Template:``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in TEMPLATES.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
