import chisel3._
import chisel3.util._

class ParamShiftReg(width: Int = 8, depth: Int = 4) extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val in = Input(UInt(width.W))
    val out = Output(UInt(width.W))
  })
  val registers = Seq.fill(depth)(RegInit(0.U(width.W)))
  val prev = RegNext(io.in, false.B)
  val count = RegInit(0.U(depth.W))
  when(io.en && !prev) {
    for (i <- 0 until depth) {
      registers(i) := registers(i) + 1.U
      count := count + 1.U
    }
  } else {
    for (i <- 0 until depth) {
      registers(i) := registers(i)
      count := count
    }
  }
  io.out := registers(depth - 1)
}
