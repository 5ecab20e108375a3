"""Word lists and patterns shared by the object extractors (rules backend).

Which words are generic ("objects", "images"), which end an object list (prepositions,
verbs, clause connectors), which are determiners, verbs that introduce lists, and the
constraint vocabulary that never belongs to a class name.
"""

from __future__ import annotations

import re

GENERIC = {
    "species",
    "object", "objects", "item", "items", "thing", "things", "stuff", "image", "images",
    "picture", "pictures", "photo", "photos", "frame", "frames", "class", "classes",
    "category", "categories", "type", "types", "kind", "kinds", "instance", "instances",
    "target", "targets", "sample", "samples", "example", "examples", "label", "labels",
    "one", "ones", "each", "it", "them", "they", "these", "those", "this", "that", "something",
    "anything", "everything", "model", "models", "video", "videos", "footage", "data",
    "dataset", "detector", "classifier", "segmenter", "other", "others", "rest", "etc",
    "region", "regions", "area", "areas", "part", "parts", "pixel", "pixels", "location",
    "locations", "position", "positions", "presence", "number", "count", "kind of",
    "camera", "cameras", "feed", "feeds", "stream", "streams", "scene", "scenes", "view",
    "shot", "shots", "clip", "clips", "input", "output", "variety", "varieties", "sort",
    "sorts", "keypoint", "keypoints", "landmark", "landmarks", "pose",
    "poses", "masks", "bounding box", "bounding boxes", "outline",
    "outlines", "contour", "contours", "joint", "joints", "skeleton", "skeletons",
}
TRAILING_GENERIC = {
    "object", "objects", "item", "items", "thing", "things", "images", "photos", "pictures",
    "frames", "region", "regions", "pixel", "pixels", "masks", "instance", "instances",
    "classifier", "detector", "segmenter", "model", "network", "app", "system",
    "class", "classes", "category", "categories", "type", "types",
}
# Words naming a category that a list of its members often follows:
# "every defect on steel sheets, scratches, inclusions and patches".
CATEGORY_WORDS = {
    "defect", "disease", "damage", "animal", "vehicle", "product", "food", "species", "pest",
    "fruit", "vegetable", "tool", "tissue", "cell", "garment", "waste", "material", "sign",
    "plant", "bird", "fish", "insect", "condition", "anomaly", "fault", "part", "component",
    "organ", "structure", "class", "category", "label", "type", "kind", "object", "item",
}
# Nouns that end in -ing (a trailing -ing word is otherwise a verb that ends the object).
ING_NOUNS = {
    "housing", "building", "ceiling", "painting", "clothing", "ring", "string", "wing", "king",
    "thing", "railing", "siding", "awning", "bedding", "lightning", "spring", "sibling",
    "seedling", "duckling", "pudding", "icing", "wiring", "tubing", "piping", "plating",
    "coating", "casing", "bearing", "fitting", "coupling", "marking", "opening", "crossing",
    "parking", "landing", "filling", "stuffing", "topping", "dressing", "lining", "swing",
    "sling", "earring", "herring", "sapling", "dumpling", "darling", "starling", "shading",
    "tiling", "flooring", "roofing", "scaffolding", "packing", "packaging",
    "spalling", "soiling", "staining", "cracking", "peeling", "rusting", "bleeding",
}
# A regex that matches any -ing word except the nouns above (a verb form: "exercising").
ING_VERB = r"(?!(?:" + "|".join(sorted(ING_NOUNS)) + r")\b)[a-z]+ing"


def is_ing_verb(word: str) -> bool:
    """"lifting", "walking" (verbs) but not "building", "housing" (nouns)."""
    return word.endswith("ing") and word not in ING_NOUNS


DETERMINERS = re.compile(
    r"^(?:(?:the|a|an|all|any|each|every|various|different|multiple|several|individual|both|"
    r"our|my|their|its|his|her|some|specific|certain|possible|other|many|few|more|most|"
    r"such|these|those|this|that|which|what|whether|either|neither|potential|visible|"
    r"main|major|individual|separate|distinct|single|two|three|four|five|six|"
    r"seven|eight|nine|ten|\d+|types? of|kinds? of|sorts? of|classes of|categories of|of|"
    r"shows?|has|have|contains?|looks?|is|are|be|"
    r"instances of|pieces? of|examples? of|images? of|pictures? of|photos? of|frames? of|"
    r"locations? of|positions? of|presence of|number of|amount of|occurrences? of|"
    r"appearance of|regions? of|areas? of|pixels? of|masks? of|outlines? of|boundaries of|"
    r"contours? of|varieties of|varieties|species of|breeds? of|individual|also|just|only|"
    r"(?:pixel |pixel-level |semantic |instance |binary |segmentation )?masks? of|"
    r"(?:pixel-level |pixel-wise |semantic |instance )?segmentation of|detection of|"
    r"(?:bounding )?box(?:es)? (?:around|on|for)|up to \d+|up to|separating|namely|"
    r"(?:[a-z-]+ )?(?:things|items|objects|stuff|products|types|kinds) (?:like|such as|including|"
    r"e\.g\.)|cropped|scanned|labell?ed|annotated|captured|uploaded|which are|which is|"
    r"that are|(?:each |every |any |all )?one of(?: the)?|(?:the )?(?:categories|classes)|also|"
    r"doodles? of|drawings? of|sketches of|sketch of|scans? of|shots? of|"
    r"even|still|then|e\.?g\.?|i\.?e\.?|like|such as|including|namely|either)\s+)+"
)
# Words that end an object list (prepositions, verbs, clause connectors).
STOP = (r"in|on|at|from|with|within|under|using|that|which|who|so|to|across|over|by|"
         r"when|while|during|per|for|via|inside|into|onto|through|where|as|if|whether|than|"
         r"is|are|was|were|be|being|been|has|have|had|could|should|must|will|would|"
         r"need|needs|running|run|runs|deployed|deploy|and then|then|but|because|since|"
         r"before|after|without|against|near|around|along|among|between|it|we|i|you|they|"
         r"our|my|please|ideally|preferably|under|below|above|less|more|at least|out|"
         r"itself|themselves|himself|herself|apart|draw|put|place|then|says?|tells?|"
         r"about|based|trained|captured|taken|seen|visible|appearing|present|shown|"
         r"mounted|installed|coming|moving|passing|lying|sitting|standing|walking|flying|"
         r"growing|floating|parked|driving|of the|of our|of each|of every|of a|of an")
LIST_END = re.compile(rf"(?:(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)\.|[;:!?(){{}}\[\]\"\n|]|->|"
                       rf"(?<![\w-])(?:{STOP})(?![\w-])| - |"
                       r"\b(?:pixel-?wise|pixel by pixel|per pixel|per image|per frame|"
                       r"in real time|real-time|please|thanks?)\b|\b[a-z]+(?:ed|en|rn) by\b|"
                       r"\b(?:landed|placed|mounted|parked|lying|stored|seen)\s+(?:on|in|at|"
                       r"from|into|onto|while|when|whenever|by|"
                       r"during|as|so|to|for)\b|\b(?:whenever|wherever|once|until|unless)\b|"
                       r"\b(?:only|too)\b|"
                       r"\b[a-z]+ing\s+(?:the|a|an|in|on|at|from|into|across|over|through|"
                       r"along|past|around|for|to|with)\b)")
# "and" / "or" inside a hyphenated name ("blue-and-yellow macaw") do not split.
SPLIT = re.compile(r"\s*(?:,|/|&|\+|\band/or\b|(?<![\w-])and(?![\w-])|(?<![\w-])or(?![\w-])|"
                    r"\bvs\.?|\bversus\b|"
                    r"\bas well as\b|\bplus\b|\bnor\b)\s*")

VERBS = (r"(?:detect|find|spot(?! sprayer| check| price)|count|track|segment|extract|flag|"
          r"pick out|pinpoint|distinguish|(?<!automated )(?<!the )(?<!our )highlight)"
          r"(?:s|es|ed|ing)?|"
          r"(?:locat|locali[sz]|recogni[sz]|outlin|delineat|separat|categori[sz]|trac)"
          r"(?:e|es|ed|ing)|(?:identif|classif)(?:y|ies|ied|ying)")
# Explicit enumerations of the classes: "classes: A, B", "restricted to A and B",
# "tell A, B and C apart", "for A and B only", "the three classes, A, B and C".
CONSTRAINT_WORDS = re.compile(
    r"\d\s*(?:%|fps|ms\b|s\b|sec|m\b|k\b|b\b|g|param|flop)|\bfps\b|latenc|param|flops|"
    r"\bmap\b|accuracy|\bf1\b|\biou\b|miou|dice|recall|precision|\bgpu|\bcpu|jetson|"
    r"raspberry|onnx|tensorrt|openvino|ncnn|\bnvidia|\brtx|\blaptops?\b|\bphones?\b|"
    r"\bandroid|\bservers?\b|\brpi\b|"
    r"dataset|\bcoco\b|model\b|budget|deadline|latency|hardware|deploy|\bpck|\boks\b|\bap\b")
ADJECTIVE_ONLY = {"everyday", "common", "various", "generic", "general", "arbitrary", "random",
                   "different", "all", "multiple", "many", "several", "any", "new", "small",
                   "large", "moving", "static", "relevant", "interesting", "important"}


BODY_PARTS = {
    "eye", "ear", "nose", "nostril", "mouth", "lip", "eyebrow", "jaw", "chin", "neck", "head",
    "tail", "foot", "paw", "hoof", "fetlock", "carpus", "wing", "leg", "arm", "knee", "elbow",
    "wrist", "ankle", "shoulder", "hip", "fingertip", "finger", "knuckle", "thumb", "toe",
    "thorax", "abdomen", "beak", "fin", "collar", "sleeve", "hem", "corner", "body", "torso",
    "tail base", "spine", "pelvis", "heel", "palm", "joint", "limb", "point", "bar path",
    "back", "hand joint", "angle", "position", "coordinate", "location", "antenna", "wither",
    "withers", "chest", "belly", "rump", "horn", "udder",
}
