import chisel3._

class RegZero extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(8.W))
  })

  val r = RegInit(0.U(8.W))
  io.out := r
}
