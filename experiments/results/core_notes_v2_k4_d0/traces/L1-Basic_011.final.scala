import chisel3._

class RegHundred extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(8.W))
  })

  val r = RegInit(100.U(8.W))
  io.out := r
}
