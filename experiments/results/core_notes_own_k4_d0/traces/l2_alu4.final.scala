import chisel3._

class Alu4 extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(4.W))
    val b = Input(UInt(4.W))
    val op = Input(UInt(3.W))
    val out = Output(UInt(4.W))
    val zero = Output(Bool())
  })

  io.out := io.a + io.b
  io.zero := io.out === 0.U
}
