import json, sys
try:
    text = open(sys.argv[2], 'rb').read().decode(sys.argv[3])
    out = {'text': text}
except (LookupError, UnicodeDecodeError) as e:
    out = {'error': str(e)}
open(sys.argv[1], 'w').write(json.dumps(out))
