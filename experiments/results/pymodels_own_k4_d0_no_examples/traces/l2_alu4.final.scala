import chisel3._
import chisel3.util._

class Alu4(width: Int = 4) extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(width.W))
    val b = Input(UInt(width.W))
    val op = Input(UInt(3.W))
    val out = Output(UInt(width.W))
    val zero = Output(Bool())
  })

  val add = RegInit(0.U(width.W))
  val subtract = RegInit(0.U(width.W))
  val and = RegInit(0.U(width.W))
  val or = RegInit(0.U(width.W))
  val xor = RegInit(0.U(width.W))
  val shiftLeft = RegInit(0.U(width.W))
  val shiftRight = RegInit(0.U(width.W))
  val lessThan = RegInit(0.U(1.W))

  when(io.op === UInt(0.U)) { add := io.a + io.b }
  when(io.op === UInt(1.U)) { subtract := io.a - io.b }
  when(io.op === UInt(2.U)) { and := io.a & io.b }
  when(io.op === UInt(3.U)) { or := io.a | io.b }
  when(io.op === UInt(4.U)) { xor := io.a ^ io.b }
  when(io.op === UInt(5.U)) { shiftLeft := io.a << 1 }
  when(io.op === UInt(6.U)) { shiftRight = io.a >> 1 }
  when(io.op === UInt(7.U)) { lessThan := io.a < io.b }

  io.out := add
  io.zero := io.out === UInt(0.U)
}
