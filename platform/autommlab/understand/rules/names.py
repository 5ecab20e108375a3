"""Architecture names and dataset names users write, kept exactly as written."""

from __future__ import annotations

import re

# Families of architectures (OpenMMLab's zoos and the common literature). A variant suffix
# ("-50", "-tiny", " v2", "-B0", "-W32", "-s") is captured with the family name.
_VARIANT = (r"(?:[\s-]?(?:v\d+(?:\.\d+)?|\d+(?:\.\d+)?[a-z]?|x{0,2}l|[nsmlxt]|tiny|nano|small|"
            r"medium|large|huge|base|lite\d?|plus|ins|lightning|thunder|pose|seg|cls|obb|\+\+?|b\d|[a-z]\d|\d+mf|"
            r"/\d+|b|h|w\d+|r\d+|s\d+|d\d+|x\d+(?:\.\d+)?|"
            r"(?:r|resnet)[-]?\d+|mit[- ]?b\d|[0-9]+x[0-9]+d)\b)*")
_FAMILIES = [
    r"faster[\s-]?r[\s-]?cnn", r"oriented[\s-]?r[\s-]?cnn", r"mask[\s-]?r[\s-]?cnn",
    r"cascade[\s-]?(?:mask[\s-]?)?r[\s-]?cnn",
    r"r[\s-]?cnn", r"retina[\s-]?net", r"yolo[\s-]?x", r"yolo(?:v\d+)?(?:[\s-]?world)?",
    r"rtm[\s-]?det", r"rtm[\s-]?pose", r"rtm[\s-]?o", r"ssd[\s-]?lite", r"ssd(?:\d+)?",
    r"fcos", r"detr", r"deformable[\s-]?detr", r"dino", r"dab[\s-]?detr", r"co[\s-]?detr",
    r"rt[\s-]?detr", r"centernet", r"center[\s-]?net", r"atss", r"gfl", r"tood",
    r"efficientdet", r"res[\s-]?net(?:[\s-]?v\d)?", r"resnext", r"res2net", r"resnest",
    r"mobile[\s-]?net(?:[\s-]?v\d)?", r"mobile[\s-]?vit", r"mobileone",
    r"efficient[\s-]?net(?:[\s-]?v2)?",
    r"efficientformer", r"shuffle[\s-]?net(?:[\s-]?v\d)?", r"squeeze[\s-]?net", r"ghost[\s-]?net",
    r"dense[\s-]?net", r"vgg", r"inception(?:[\s-]?v\d)?", r"xception", r"alex[\s-]?net",
    r"le[\s-]?net", r"regnet[xy]?", r"conv[\s-]?next(?:[\s-]?v2)?", r"vit", r"deit",
    r"swin(?:[\s-]?transformer)?(?:[\s-]?v2)?", r"beit", r"eva", r"clip", r"poolformer",
    r"repvgg", r"hr[\s-]?net", r"lite[\s-]?hr[\s-]?net", r"hr[\s-]?former", r"dark[\s-]?net",
    r"csp[\s-]?darknet", r"csp[\s-]?net", r"u[\s-]?net(?:\+\+)?", r"unet(?:\+\+)?",
    r"deeplab(?:[\s-]?v3\+?|[\s-]?v\d)?", r"psp[\s-]?net", r"seg[\s-]?former", r"segnext",
    r"bise[\s-]?net(?:[\s-]?v\d)?", r"fast[\s-]?scnn", r"stdc(?:\d)?", r"ocr[\s-]?net",
    r"point[\s-]?rend", r"mask2former", r"maskformer", r"upernet", r"fcn", r"knet",
    r"segment anything|sam", r"dnl[\s-]?net", r"ccnet", r"ann", r"enet", r"icnet", r"erfnet",
    r"simple[\s-]?baseline", r"open[\s-]?pose", r"vit[\s-]?pose", r"hourglass",
    r"dark[\s-]?pose", r"udp", r"rle", r"simcc", r"dekr", r"associative embedding",
    r"yolo[\s-]?pose", r"cid", r"solo(?:v2)?", r"yolact", r"higher[\s-]?hr[\s-]?net", r"rtmw",
    r"cond[\s-]?inst",
    r"retina[\s-]?face", r"mobile[\s-]?face[\s-]?net", r"pid[\s-]?net", r"pfld", r"deeplabcut",
    r"dla", r"sleap", r"dw[\s-]?pose",
    r"nano[\s-]?det", r"nn[\s-]?u[\s-]?net", r"cellpose", r"stardist", r"move[\s-]?net",
    r"blaze[\s-]?pose", r"lite[\s-]?seg", r"pvt(?:v2)?", r"twins", r"tinyvit", r"levit",
]
_FAMILY_RE = "(?:" + "|".join(f"(?:{f})" for f in _FAMILIES) + r")" + _VARIANT
# "SSDLite-MobileNetV2": a head family joined to a backbone family is one name.
# "MobileNetV2-ish", "YOLO-like": the suffix is not part of the name.
_MODEL_RE = re.compile(rf"(?<![\w-]){_FAMILY_RE}(?:-{_FAMILY_RE})?"
                       r"(?=-(?:ish|like|style|based|esque)\b|(?![\w-]))", re.IGNORECASE)
# Words that look like families but are ordinary words or datasets in context.
_NOT_MODELS = {"ann", "eva", "clip", "udp", "rle", "cid", "sam", "dino", "fcn", "enet", "twins",
               "ssd", "gfl", "knet", "vit"}
_CONTEXT_NEEDED = re.compile(r"model|architecture|backbone|network|net\b|based|using|use|with|"
                             r"like|such as|e\.g|suggest|recommend|prefer|try|fine-?tune",
                             re.IGNORECASE)

_DATASETS = [
    r"(?:ms[\s-]?)?coco(?:[\s-]?(?:whole[\s-]?body|stuff|panoptic|keypoints?|20\d\d))?",
    r"cityscapes", r"image[\s-]?net(?:[\s-]?(?:1k|21k|22k|-?v2))?", r"ilsvrc(?:[\s-]?20\d\d)?",
    r"(?:pascal[\s-]?)?voc(?:[\s-]?20\d\d)?", r"pascal[\s-]?context", r"ade[\s-]?20k",
    r"mpii(?:[\s-]?human[\s-]?pose)?", r"cifar[\s-]?(?:10|100)", r"(?:fashion[\s-]?)?mnist",
    r"kitti", r"lvis", r"objects365", r"open[\s-]?images(?:[\s-]?v\d)?",
    r"celeb[\s-]?a(?:[\s-]?hq)?",
    r"wider[\s-]?face", r"crowd[\s-]?pose", r"ai[\s-]?challenger", r"human3\.6m",
    r"deep[\s-]?fashion2?", r"i[\s-]?naturalist(?:[\s-]?20\d\d)?", r"places(?:365)?",
    r"mapillary(?:[\s-]?vistas)?", r"cam[\s-]?vid", r"bdd[\s-]?100k", r"nu[\s-]?scenes",
    r"waymo(?:[\s-]?open)?", r"dota(?:[\s-]?v?\d\.\d)?", r"lip", r"ap[\s-]?10k",
    r"animal[\s-]?kingdom", r"frei[\s-]?hand", r"onehand10k", r"300w", r"wflw", r"aflw",
    r"cofw", r"stanford[\s-]?dogs", r"cub[\s-]?200(?:[\s-]?2011)?",
    r"oxford[\s-]?(?:flowers|pets|102)",
    r"food[\s-]?101", r"isic(?:[\s-]?20\d\d)?", r"chest[\s-]?x[\s-]?ray14", r"kvasir(?:-seg)?",
    r"loveda", r"isaid", r"potsdam", r"vaihingen", r"gta[\s-]?5", r"synthia",
    r"sun[\s-]?rgb[\s-]?d",
    r"nyu[\s-]?depth(?:[\s-]?v2)?", r"lsp", r"posetrack(?:[\s-]?\d+)?", r"halpe", r"jhmdb",
    r"coco[\s-]?text", r"icdar(?:[\s-]?20\d\d)?", r"svhn", r"gtsrb", r"caltech[\s-]?(?:101|256)",
    r"eurosat", r"plant[\s-]?village", r"mvtec(?:[\s-]?ad)?", r"visdrone", r"uavdt",
    r"crowdhuman", r"citypersons", r"widerperson", r"fer[\s-]?2013", r"affectnet",
    r"tusimple", r"culane", r"brats", r"lits", r"acdc", r"synapse", r"drive", r"stare",
    r"chase[\s-]?db1", r"hrf", r"sa[\s-]?1b", r"macaque[\s-]?pose", r"horse[\s-]?10",
    r"desert[\s-]?locust", r"zebra", r"atrw", r"coco[\s-]?wholebody", r"interhand2\.6m",
    r"panoptic", r"rhd", r"hagrid", r"ego4d",
]
_AMBIGUOUS_DATASETS = {"drive", "lip", "panoptic", "zebra", "acdc", "synapse", "stare", "lits",
                       "hrf", "lsp", "rhd", "halpe"}
_DATASET_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(f"(?:{d})" for d in _DATASETS) + r")(?![\w-])", re.IGNORECASE
)
_DATASET_CONTEXT = re.compile(r"dataset|data set|benchmark|images from|pre-?train|trained on|"
                              r"annotations|format|split|like|style", re.IGNORECASE)


def find_model(text: str) -> tuple[str, tuple[int, int]] | None:
    """The first architecture named in `text` (cleaned, original case), as written."""
    for m in _MODEL_RE.finditer(text):
        word = m.group(0).strip(" -")
        if word.lower() in _NOT_MODELS:
            window = text[max(0, m.start() - 40):m.end() + 40]
            if word != word.upper() or not _CONTEXT_NEEDED.search(window):
                continue
        if _is_dataset_at(text, m.start()):
            continue
        return word, (m.start(), m.end())
    return None


def _is_dataset_at(text: str, pos: int) -> bool:
    m = _DATASET_RE.match(text, pos)
    return bool(m)


def find_datasets(text: str) -> list[str]:
    """Dataset names in `text`, as written, in order, without repeats."""
    out: list[str] = []
    for m in _DATASET_RE.finditer(text):
        word = m.group(0).strip()
        if word.lower() in _AMBIGUOUS_DATASETS or word.lower() in ("mnist",):
            window = text[max(0, m.start() - 40):m.end() + 40]
            if word.lower() in _AMBIGUOUS_DATASETS and (
                    word == word.lower() or not _DATASET_CONTEXT.search(window)):
                continue
        if word.lower() not in (o.lower() for o in out):
            out.append(word)
    return out
