import chisel3._

class WireZero extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val out = Output(UInt(8.W))
  })

  val zero = WireDefault(0.U(8.W))
  io.out := zero

  when (io.en) {
    zero := 0.U(8.W)
    io.out := zero
  }
}
