#!/usr/bin/env python3
"""Compare `phalanx attest verify` with a reference verifier, Phala's dcap-qvl (the npm package
@phala/dcap-qvl, pure JavaScript), on every vector and negative case of the shared attestation
test data. Prints one line per case and a JSON summary; exits 1 on any disagreement.

Setup (once):  npm install --prefix /tmp/dcap-qvl @phala/dcap-qvl@0.3.9
Usage:         scripts/tee_compare_dcap_qvl.py --phalanx build/bin/phalanx \\
                   --dcap-qvl /tmp/dcap-qvl/node_modules/@phala/dcap-qvl

Known, documented differences are reported as such, not as disagreements: dcap-qvl tolerates
bytes after the signature data (Intel QVL and phalanx refuse them; docs/tee.md), and the JS
package (0.3.9) cannot read TCB Info v2 documents.
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile

NODE_VERIFY = r"""
const fs = require('fs');
const { QuoteVerifier } = require(process.argv[2] + '/src/verify');
const [quoteFile, collateralFile, rootDerFile, at] = process.argv.slice(3);
try {
  // The trust anchor is the collateral's root_ca.pem, as for phalanx's --collateral directory.
  const verifier = QuoteVerifier.newWithRootCa(fs.readFileSync(rootDerFile));
  const r = verifier.verify(new Uint8Array(fs.readFileSync(quoteFile)),
                            JSON.parse(fs.readFileSync(collateralFile, 'utf8')), parseInt(at, 10));
  console.log(JSON.stringify({ok: true, status: r.status, advisory_ids: r.advisory_ids}));
} catch (e) {
  let m = e.message; for (let c = e.cause; c; c = c.cause) m += ': ' + (c.message || c);
  console.log(JSON.stringify({ok: false, error: m}));
}
"""


def signed_value(text, key):
    """The exact text of the value of top-level `key` (what Intel signs)."""
    i = text.index('"%s"' % key) + len(key) + 2
    i = text.index(':', i) + 1
    while text[i] in ' \t\r\n':
        i += 1
    _, end = json.JSONDecoder().raw_decode(text, i)
    return text[i:end]


def collateral_json(files):
    def read(name, mode='r'):
        with open(files[name], mode) as f:
            return f.read()
    tcb, qe = read('tcb_info.json'), read('qe_identity.json')
    return {
        'pck_crl_issuer_chain': read('pck_crl_issuer_chain.pem'),
        'root_ca_crl': read('root_ca_crl.der', 'rb').hex(),
        'pck_crl': read('pck_crl.der', 'rb').hex(),
        'tcb_info_issuer_chain': read('tcb_info_issuer_chain.pem'),
        'tcb_info': signed_value(tcb, 'tcbInfo'),
        'tcb_info_signature': json.loads(tcb)['signature'],
        'qe_identity_issuer_chain': read('qe_identity_issuer_chain.pem'),
        'qe_identity': signed_value(qe, 'enclaveIdentity'),
        'qe_identity_signature': json.loads(qe)['signature'],
    }


def pem_to_der(pem_file):
    lines = open(pem_file).read().strip().splitlines()
    return base64.b64decode(''.join(l for l in lines if not l.startswith('-----')))


def cases(root):
    for name in sorted(os.listdir(root)):
        d = os.path.join(root, name)
        if os.path.isfile(os.path.join(d, 'quote.bin')):
            yield name, d, os.path.join(d, 'collateral')
    neg = os.path.join(root, 'negatives')
    for name in sorted(os.listdir(neg)):
        d = os.path.join(neg, name)
        e = json.load(open(os.path.join(d, 'expected.json')))
        yield name, d, os.path.normpath(os.path.join(d, e['collateral_dir']))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--phalanx', required=True)
    ap.add_argument('--dcap-qvl', required=True, help='directory of the @phala/dcap-qvl package')
    ap.add_argument('--vectors', default=os.path.join(os.path.dirname(__file__), '..', '..',
                                                        'shared', 'testdata', 'attestation'))
    a = ap.parse_args()
    agree = disagree = policy = limitation = 0
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, 'verify.js')
        open(script, 'w').write(NODE_VERIFY)
        for name, d, coll in cases(a.vectors):
            e = json.load(open(os.path.join(d, 'expected.json')))
            files = {f: os.path.join(coll, f) for f in os.listdir(coll)}
            for f in e.get('collateral_overrides', []):
                files[f] = os.path.join(d, f)
            cdir = os.path.join(tmp, name)
            os.makedirs(cdir)
            for f, p in files.items():
                os.symlink(os.path.abspath(p), os.path.join(cdir, f))
            cfile = os.path.join(tmp, name + '.json')
            json.dump(collateral_json(files), open(cfile, 'w'))
            root_der = os.path.join(tmp, name + '.root.der')
            open(root_der, 'wb').write(pem_to_der(files['root_ca.pem']))
            at = str(e['verify_at_unix'])
            quote = os.path.join(d, 'quote.bin')
            ours = json.loads(subprocess.run(
                [a.phalanx, 'attest', 'verify', quote, '--collateral', cdir, '--at', at, '--json'],
                capture_output=True, text=True).stdout)
            ref = json.loads(subprocess.run(['node', script, os.path.abspath(a.dcap_qvl), quote,
                                             cfile, root_der, at],
                                            capture_output=True, text=True).stdout)
            ours_ok = ours['verdict'] == 'ok'
            same = ours_ok == ref['ok'] and (not ours_ok or (
                ours['tcb_status'] == ref['status'] and
                ours['advisory_ids'] == ref['advisory_ids']))
            if same:
                agree += 1
                tag = 'agree'
            elif name.endswith('__trailing_bytes') and not ours_ok and ref['ok']:
                policy += 1
                tag = 'policy (trailing bytes: phalanx follows Intel QVL)'
            elif not ref['ok'] and 'Failed to decode TcbInfo' in ref['error'] and \
                    json.loads(open(files['tcb_info.json']).read())['tcbInfo']['version'] == 2:
                limitation += 1
                tag = 'reference limitation (dcap-qvl-js cannot read TCB Info v2)'
            else:
                disagree += 1
                tag = 'DISAGREE'
            print('%-50s phalanx=%-28s dcap-qvl=%-40s %s' % (
                name, ours['verdict'] + ('/' + str(ours['tcb_status']) if ours_ok else ''),
                ('ok/' + ref['status']) if ref['ok'] else ('error: ' + ref['error'][:34]), tag))
    print(json.dumps({'agree': agree, 'policy_difference': policy,
                      'reference_limitation': limitation, 'disagree': disagree}))
    return 1 if disagree else 0


if __name__ == '__main__':
    sys.exit(main())
