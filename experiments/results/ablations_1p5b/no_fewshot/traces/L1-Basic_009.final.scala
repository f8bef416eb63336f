import chisel3._

class WireMagic extends Module {
  val io = IO(new Bundle {
    val en = Input(UInt(1.W))
    val out = Output(UInt(32.W))
  })

  val wireValue = WireInit(0xdeadbeef.U(32.W))

  when (io.en === 1.U) {
    wireValue := 0xdeadbeef.U(32.W)
  }

  io.out := wireValue
}
