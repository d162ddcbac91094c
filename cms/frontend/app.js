// Initialises every GOV.UK Frontend component on the page (accordion, error summary, header menu...).
import { CharacterCount, createAll, initAll } from "./govuk-frontend.min.js";

// Word limits count words as the server does (commissioning/govuk_forms.py WORD_SEPARATORS, the same character
// class): invisible and blank-looking characters separate words too, so they cannot glue words together.
const WORD_SEPARATORS = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u115f\u1160\u1680\u180e\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u2800\u3000\u3164\ufeff\uffa0]+/u;

class WordCount extends CharacterCount {
  static moduleName = "bcsp-word-count";

  updateCount() {
    if (this.config.countType === "words") {
      this.count = this.$textarea.value.split(WORD_SEPARATORS).filter(Boolean).length;
      return;
    }
    super.updateCount();
  }
}

initAll();
createAll(WordCount);
