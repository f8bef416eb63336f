import chisel3._

class WireZero extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(8.W))
  })

  io.out := Wire(0.U)
}
