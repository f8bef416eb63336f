import chisel3._

class WireZero extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(8.W))
  })
  val wireZero = Wire(UInt(8.W))
  wireZero := 0.U(8.W)
  io.out := wireZero
}
