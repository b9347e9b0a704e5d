"""Scales behind one small interface (`base.Scale`), chosen by `factory.make_scale`: USB HID POS
through pyusb, serial MT-SICS / CAS / regex through pyserial, and a Dummy."""
